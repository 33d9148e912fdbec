// Placeholder so the target compiles; replaced as the module is written.
