"""`make bench`: load and throughput figures for the signing path, with ceilings measured in the same run."""
