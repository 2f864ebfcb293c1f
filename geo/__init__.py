"""Administrative units, windows, handling offices, the EMS network and travel matrices."""
