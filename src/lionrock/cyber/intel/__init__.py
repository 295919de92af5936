"""The STIX 2.1 store: collections, TLP sharing, validation on the way in, correlation of values."""
