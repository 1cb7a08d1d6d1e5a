// Placeholder until the Emulator target gets its first real file.
