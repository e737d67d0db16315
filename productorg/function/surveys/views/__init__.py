"""The survey pages: rounds and links (leaders), results (leaders and PMs), the response page."""
