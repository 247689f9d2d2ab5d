import GleanCLI

await Glean.start()
