import Foundation
import TFLiteInterpreter

/// Interpreters for one model, lent to one caller at a time.
///
/// `Interpreter` is not thread-safe; the pool hands each out exclusively and takes it back, so a
/// `Sendable` task object can answer from several threads without sharing an interpreter.
final class InterpreterPool: @unchecked Sendable {
  private let model: Model
  private let options: Interpreter.Options
  private let lock = NSLock()
  private var idle: [Interpreter] = []

  init(model: Model, options: Interpreter.Options) {
    self.model = model
    self.options = options
  }

  /// Runs `body` with an interpreter no one else is using, whose tensors are allocated.
  func withInterpreter<R>(_ body: (Interpreter) throws(QuestionAnsweringError) -> R) throws(QuestionAnsweringError) -> R {
    let interpreter: Interpreter
    lock.lock()
    let reused = idle.popLast()
    lock.unlock()
    if let reused {
      interpreter = reused
    } else {
      do {
        interpreter = try Interpreter(model: model, options: options)
        try interpreter.allocateTensors()
      } catch {
        throw .interpreter(error)
      }
    }
    defer {
      lock.lock()
      idle.append(interpreter)
      lock.unlock()
    }
    return try body(interpreter)
  }
}
