"""Textual screens and widgets of the desk. No SQL here: screens call ohjaaja.usecases.desk."""
