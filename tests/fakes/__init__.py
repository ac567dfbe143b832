"""Local stand-ins for the outside services the platform talks to; tests never use the network."""
