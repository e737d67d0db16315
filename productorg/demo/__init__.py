"""The demo organisation: `productorg demo` loads a believable product org to try the app on."""
