"""`parcelhub clv-fit`, the spelling the docs use: Django finds commands by module file name, so this alias file
makes the hyphenated name work next to `parcelhub clv_fit`."""

from parcelhub.crm.workbench.management.commands.clv_fit import Command

__all__ = ["Command"]
