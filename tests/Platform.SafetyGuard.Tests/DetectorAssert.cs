using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

internal static class DetectorAssert
{
    /// <summary>The detector finds exactly <paramref name="expected"/> in <paramref name="text"/> (one finding, exact span).</summary>
    public static void FindsExactly(IDetector detector, string text, string expected)
    {
        var spans = detector.Detect(text).ToList();
        var found = Assert.Single(spans);
        Assert.Equal(expected, text.Substring(found.Start, found.Length));
    }

    public static void FindsNothing(IDetector detector, string text) =>
        Assert.Empty(detector.Detect(text));
}
