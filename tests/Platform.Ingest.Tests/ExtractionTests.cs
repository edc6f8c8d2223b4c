using Platform.Ingest.Extraction;
using Xunit;

namespace Platform.Ingest.Tests;

/// <summary>HTML and JSON submissions become the readable text that is chunked and searched.</summary>
public sealed class ExtractionTests
{
    [Fact]
    public void Html_keeps_headings_paragraphs_and_list_items_and_drops_what_no_reader_sees()
    {
        const string html = """
            <!doctype html><html><head><title>Ignored title</title><style>p { color: red }</style></head>
            <body><nav>Home &middot; About</nav>
            <h1 class="x">Pump   <em>manual</em></h1>
            <p>Check the <b>seal</b> every&nbsp;week &amp; replace it yearly.</p>
            <script>alert("not text")</script><!-- a comment -->
            <h2>Parts</h2><ul><li>Impeller</li><li>Seal &lt;ring&gt;</li></ul>
            </body></html>
            """;

        var text = HtmlText.Extract(html);

        Assert.Equal(
            "Home · About\n\n# Pump manual\n\nCheck the seal every week & replace it yearly.\n\n## Parts\n\n- Impeller\n- Seal <ring>",
            text);
    }

    [Theory]
    [InlineData("<p>unclosed <b>bold <i>and <p>more", "unclosed bold and\nmore")]
    [InlineData("<div class=\"broken>text after a broken attribute</div>", "text after a broken attribute")]
    [InlineData("a < b and c > d", "a < b and c > d")]
    [InlineData("<h2>Title without end", "Title without end")]
    [InlineData("<script>never closed", "")]
    public void Malformed_html_still_gives_its_text_and_never_fails(string html, string expected)
    {
        Assert.Equal(expected, HtmlText.Extract(html));
    }

    [Fact]
    public void Json_gives_one_line_per_text_or_number_with_its_path()
    {
        var (text, error) = JsonText.Extract("""
            {"title": "Pumps", "items": [{"name": "Impeller", "price": 12.5}, {"name": "Seal\nring", "stock": null, "ok": true}], "empty": ""}
            """);

        Assert.Null(error);
        Assert.Equal("title: Pumps\nitems[0].name: Impeller\nitems[0].price: 12.5\nitems[1].name: Seal ring", text);
    }

    [Theory]
    [InlineData("{\"a\": ", "line 1")]
    [InlineData("{\"a\": 1,}", "is not valid JSON")]
    [InlineData("not json", "is not valid JSON")]
    public void Invalid_json_is_an_error_naming_where(string json, string words)
    {
        var (text, error) = JsonText.Extract(json);

        Assert.Null(text);
        Assert.Contains(words, error);
    }

    [Fact]
    public void Json_nested_deeper_than_the_limit_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100));

        Assert.NotNull(JsonText.Extract(deep).Error);
    }

    [Theory]
    [InlineData("<script>only()</script>", "text/html")]
    [InlineData("{\"a\": null, \"b\": [true]}", "application/json")]
    public void A_document_with_no_readable_text_is_refused(string submitted, string contentType)
    {
        var (text, error) = DocumentText.Extract(submitted, contentType);

        Assert.Null(text);
        Assert.Contains("no readable text", error);
    }
}
