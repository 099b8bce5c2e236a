"""Grant accountability: a group's grants and what each bought."""
