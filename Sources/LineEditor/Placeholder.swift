// Placeholder until the LineEditor target gets its first real file.
