"""Files in and out: HSDS, a legacy client register, exports."""
