// The shared CPER types (CperSeverity, ...) in every Platform file, as the Platform's own duplicates were replaced by them.
global using ApeiKit.Cper;
