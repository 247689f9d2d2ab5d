/// The reference kernels: plain loops, one operator per file, written for clarity.
///
/// They define the results every optimised kernel must reproduce. Each kernel's
/// documentation starts with its shapes, in the letters of the glossary in `Shape.swift`.
public enum Reference {}
