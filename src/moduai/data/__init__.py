"""Loaders and the dataset catalog for the real open data the platform ships or installs."""
