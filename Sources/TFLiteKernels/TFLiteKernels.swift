// The TFLiteKernels module. See the module's README section in the repository README.
