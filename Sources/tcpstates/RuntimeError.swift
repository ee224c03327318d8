/// A failure while running, reported as one line and exit status 1.
struct RuntimeError: Error {
    let message: String
}
