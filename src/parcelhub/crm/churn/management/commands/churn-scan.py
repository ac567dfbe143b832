"""`parcelhub churn-scan`, the spelling the docs use: Django finds commands by module file name, so this alias file
makes the hyphenated name work next to `parcelhub churn_scan`."""

from parcelhub.crm.churn.management.commands.churn_scan import Command

__all__ = ["Command"]
