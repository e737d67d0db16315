"""Pages of the strategy app; one module per area, each routed from `strategy/urls.py`."""
