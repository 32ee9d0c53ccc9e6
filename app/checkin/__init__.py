"""Check-in at the door. `init_app` wires its pages, API and panels into the app."""
