using Platform.Ingest.Chunking;
using Xunit;

namespace Platform.Ingest.Tests;

/// <summary>A Markdown document with ATX and Setext headings and a fenced "# ..." line, and what every chunker must make of it.</summary>
internal static class HeadingSample
{
    public const string Markdown = """
        Preamble.

        # Guide
        Intro.

        ## Install
        ```
        # not a heading
        ```

        ### Linux
        apt install it

        ## Use
        Use it.

        Other
        =====
        Setext section.
        """;

    /// <summary>One chunk per section, each with its heading path; the fenced line is text, not a heading.</summary>
    public static void AssertSections(IReadOnlyList<Chunk> chunks)
    {
        Assert.Equal(
            [[], ["Guide"], ["Guide", "Install"], ["Guide", "Install", "Linux"], ["Guide", "Use"], ["Other"]],
            chunks.Select(c => c.HeadingPath.ToArray()).ToArray());
        Assert.Equal("Preamble.", chunks[0].Text);
        Assert.StartsWith("## Install", chunks[2].Text);
        Assert.Contains("# not a heading", chunks[2].Text);
        Assert.DoesNotContain("Linux", chunks[2].Text);
        Assert.StartsWith("Other\n=====", chunks[5].Text);
    }
}
