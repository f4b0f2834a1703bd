"""The reports mode (issue 17): the organiser's figures at 80x24."""
