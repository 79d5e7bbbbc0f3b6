// Intentionally empty: measures the runtime's start-up and teardown with no user code.
