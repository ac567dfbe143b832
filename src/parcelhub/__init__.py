"""ParcelHub: an e-commerce express service platform."""
