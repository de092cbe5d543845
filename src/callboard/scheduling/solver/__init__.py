"""The rehearsal scheduler engine: pure Python and OR-Tools CP-SAT, no Django import."""
