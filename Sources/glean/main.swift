import GleanCLI

await Glean.main()
