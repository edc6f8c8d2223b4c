using Platform.SafetyGuard.Detectors;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Tests;

public sealed class TextNormalizerTests
{
    [Fact]
    public void Unicode_normalisation_is_available_in_this_process() =>
        Assert.True(TextNormalizer.IsUnicodeNormalizationAvailable, "NFKC needs ICU: the project must not run in invariant globalization mode.");

    [Fact]
    public void Ascii_text_is_left_as_it_is()
    {
        var normalized = TextNormalizer.Normalize("plain ascii text");
        Assert.True(normalized.IsIdentity);
        Assert.Equal("plain ascii text", normalized.Text);
    }

    [Fact]
    public void Removes_zero_width_and_bidi_controls()
    {
        var normalized = TextNormalizer.Normalize("a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf\u202Eg\u2066h\u00ADi");
        Assert.Equal("abcdefghi", normalized.Text);
    }

    [Fact]
    public void Applies_nfkc_to_compatibility_forms()
    {
        Assert.Equal("fi 1 A 2", TextNormalizer.Normalize("\uFB01 \u2460 \uFF21 \u00B2").Text);
    }

    [Fact]
    public void Composes_combining_marks_with_their_base()
    {
        var normalized = TextNormalizer.Normalize("cafe\u0301!");
        Assert.Equal("caf\u00E9!", normalized.Text);
        // The composed é maps back to both original chars.
        Assert.Equal(new TextSpan(3, 2), normalized.ToOriginal(new TextSpan(3, 1)));
        Assert.Equal(new TextSpan(5, 1), normalized.ToOriginal(new TextSpan(4, 1)));
    }

    [Fact]
    public void Lone_surrogates_do_not_break_normalisation()
    {
        var normalized = TextNormalizer.Normalize("x\uD800y\u200Bz");
        Assert.Equal("x\uFFFDyz", normalized.Text);
    }

    [Fact]
    public void Zero_width_split_email_is_still_found_with_its_original_span()
    {
        const string text = "write to jo\u200Bhn.doe@exa\u200Dmple.com please";
        var detection = DetectorSet.Default.Detect(TextNormalizer.Normalize(text));

        var finding = Assert.Single(detection.Findings);
        Assert.Equal("email", finding.Type);
        Assert.Equal("jo\u200Bhn.doe@exa\u200Dmple.com", text.Substring(finding.Start, finding.Length));
    }

    [Fact]
    public void Fullwidth_email_is_found_with_its_original_span()
    {
        const string text = "mail \uFF4A\uFF4F\uFF48\uFF4E\uFF20\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45\uFF0E\uFF43\uFF4F\uFF4D now";
        var finding = Assert.Single(DetectorSet.Default.Detect(TextNormalizer.Normalize(text)).Findings);
        Assert.Equal("email", finding.Type);
        Assert.Equal(5, finding.Start);
        Assert.Equal(16, finding.Length);
    }

    [Fact]
    public void Bidi_override_inside_a_card_number_does_not_hide_it()
    {
        const string text = "card 4111\u202E 1111 1111 1111\u202C end";
        var finding = Assert.Single(DetectorSet.Default.Detect(TextNormalizer.Normalize(text)).Findings);
        Assert.Equal("payment_card", finding.Type);
        Assert.Equal("4111\u202E 1111 1111 1111", text.Substring(finding.Start, finding.Length));
    }

    [Fact]
    public void Secret_split_by_zero_width_characters_is_found()
    {
        const string text = "key AKIA\u200BIOSFODNN7\u200CEXAMPLE";
        var finding = Assert.Single(DetectorSet.Default.Detect(TextNormalizer.Normalize(text)).Findings);
        Assert.Equal("aws_access_key_id", finding.Type);
        Assert.Equal(4, finding.Start);
        Assert.Equal(text.Length - 4, finding.Length);
    }
}
