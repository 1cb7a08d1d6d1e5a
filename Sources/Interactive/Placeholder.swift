// Placeholder until the Interactive target gets its first real file.
