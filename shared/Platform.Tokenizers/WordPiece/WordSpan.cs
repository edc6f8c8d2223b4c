namespace Platform.Tokenizers.WordPiece;

/// <summary>
/// One word of a text as BERT's basic tokenizer separates it: the characters <c>[Start, End)</c> of the
/// original text, and how many WordPiece tokens they are.
/// </summary>
public readonly record struct WordSpan(int Start, int Length, int Tokens)
{
    public int End => Start + Length;
}
