"""The portfolio planner: plain Python and HiGHS, no Django. Dataclasses in, dataclasses out."""
