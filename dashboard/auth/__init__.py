"""Editor sign-in, one module per concern: passwords, accounts, throttle, config, rights, widgets, cli."""
