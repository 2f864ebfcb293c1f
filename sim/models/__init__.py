"""One SimPy process per domain step: window, separation, mail, office, return, joint, online."""
