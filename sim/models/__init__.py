"""One module per domain step: window, separation, mail, office (and inbox), return; the
pure waits between them in delays."""
