"""Pages of the street problem service beyond its category forms: choosing what the problem is."""
