"""The workload part of wellbeing: minutes and load per dancer, derived from published calls."""
