"""Demonstration counties (电子商务进农村综合示范县): registry, indicators per period, targets, dashboards."""
