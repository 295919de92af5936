"""TAXII 2.1 server: the protocol over the intel store, which keeps all the data (status resources aside)."""
