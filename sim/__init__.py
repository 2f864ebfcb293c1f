"""Simulation of receive-separate-handle flows, the matter catalog and staffing."""
