using Xunit;

// Host logs (warnings and errors) appear in a failing test's output.
[assembly: CaptureConsole]
