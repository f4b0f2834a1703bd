"""Training screens: the trainer's console, the caller card, the debrief and its replay."""
