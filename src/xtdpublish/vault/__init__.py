"""Reading a vault of notes into the model. Only this package reads the vault's notes."""
