"""ProductOrg: the self-hosted workspace for product leaders."""
