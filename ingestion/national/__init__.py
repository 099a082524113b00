"""The national returns a council already produces, read as delivered (see `contracts`)."""
