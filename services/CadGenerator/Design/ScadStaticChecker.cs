using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.CadGenerator.Design;

/// <summary>
/// Refuses OpenSCAD programs that a model (or anyone) proposes before they reach the renderer:
/// no file access at all (import, include, use, surface; string literals that look like paths),
/// bounded resolution ($fn at most <see cref="MaxFn"/>, $fa and $fs given as literals no finer than
/// their minimums), literal loop ranges of at most <see cref="MaxRangeSteps"/> steps, and no
/// recursive functions or modules (OpenSCAD's own recursion limit is far above what a render can
/// afford). The sandbox still contains whatever slips through (time and memory limits); this check
/// makes the common attacks fail fast with a clear reason instead of burning a render slot.
/// </summary>
public static partial class ScadStaticChecker
{
    public const int MaxLength = 64 * 1024;
    public const int MaxFn = 128;
    public const double MinFa = 1;
    public const double MinFs = 0.05;
    public const int MaxRangeSteps = 2000;

    public static IReadOnlyList<ScadIssue> Check(string source)
    {
        var issues = new List<ScadIssue>();
        if (source.Length > MaxLength)
        {
            issues.Add(new("too-large", 1, $"The program has {source.Length} characters; at most {MaxLength} are accepted."));
            return issues;
        }

        var (code, strings) = StripCommentsAndStrings(source);
        foreach (var (line, text) in strings)
        {
            if (text.Contains('/') || text.Contains('\\') || text.Contains("..", StringComparison.Ordinal) || text.Contains('~'))
            {
                issues.Add(new("file-path", line, $"The string \"{Shorten(text)}\" looks like a file path; proposed programs may not name files."));
            }
        }

        foreach (Match match in FileAccess().Matches(code))
        {
            issues.Add(new("file-access", LineOf(code, match.Index),
                $"'{match.Groups[1].Value}' reads files; proposed programs may not use include, use, import or surface."));
        }

        foreach (Match match in SpecialVariable().Matches(code))
        {
            var name = match.Groups["name"].Value;
            var line = LineOf(code, match.Index);
            if (!double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                issues.Add(new("resolution", line, $"${name} must be a plain number, not an expression."));
                continue;
            }

            var refused = name switch
            {
                "fn" => value > MaxFn ? $"$fn = {Format(value)} exceeds {MaxFn}" : null,
                "fa" => value < MinFa ? $"$fa = {Format(value)} is below {Format(MinFa)} degrees" : null,
                _ => value < MinFs ? $"$fs = {Format(value)} is below {Format(MinFs)} mm" : null,
            };
            if (refused is not null)
            {
                issues.Add(new("resolution", line, refused + "; finer resolution multiplies render time and memory."));
            }
        }

        foreach (Match match in Range().Matches(code))
        {
            var numbers = match.Groups["n"].Captures.Select(c => double.Parse(c.Value, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            var (start, step, end) = numbers.Length == 3 ? (numbers[0], numbers[1], numbers[2]) : (numbers[0], 1.0, numbers[1]);
            var steps = step == 0 ? double.PositiveInfinity : Math.Floor((end - start) / step) + 1;
            if (steps > MaxRangeSteps)
            {
                issues.Add(new("loop-size", LineOf(code, match.Index), $"The range {match.Value} has {(double.IsInfinity(steps) ? "unbounded" : Format(steps))} steps; at most {MaxRangeSteps} are accepted."));
            }
        }

        foreach (var (name, line) in RecursiveDefinitions(code))
        {
            issues.Add(new("recursion", line, $"'{name}' calls itself; proposed programs may not recurse."));
        }

        return issues;
    }

    private static IEnumerable<(string Name, int Line)> RecursiveDefinitions(string code)
    {
        foreach (Match match in FunctionDefinition().Matches(code))
        {
            // A function's body runs to the ';' that ends it (nested ones inside let/lists stay balanced).
            var body = BodyUntil(code, match.Index + match.Length, ';');
            if (new Regex($@"\b{Regex.Escape(match.Groups["name"].Value)}\s*\(").IsMatch(body))
            {
                yield return (match.Groups["name"].Value, LineOf(code, match.Index));
            }
        }

        foreach (Match match in ModuleDefinition().Matches(code))
        {
            var open = code.IndexOf('{', match.Index + match.Length);
            var body = open < 0 ? "" : BodyUntil(code, open + 1, '}');
            if (new Regex($@"\b{Regex.Escape(match.Groups["name"].Value)}\s*\(").IsMatch(body))
            {
                yield return (match.Groups["name"].Value, LineOf(code, match.Index));
            }
        }
    }

    /// <summary>Text from <paramref name="start"/> to the first <paramref name="end"/> at bracket depth zero.</summary>
    private static string BodyUntil(string code, int start, char end)
    {
        var depth = 0;
        for (var i = start; i < code.Length; i++)
        {
            var c = code[i];
            if (depth == 0 && c == end)
            {
                return code[start..i];
            }

            depth += c is '(' or '[' or '{' ? 1 : c is ')' or ']' or '}' ? -1 : 0;
            if (depth < 0)
            {
                return code[start..i];
            }
        }

        return code[start..];
    }

    /// <summary>The code with comments blanked and string contents removed (line breaks kept, so line numbers hold), and the strings.</summary>
    private static (string Code, List<(int Line, string Text)> Strings) StripCommentsAndStrings(string source)
    {
        var code = new StringBuilder(source.Length);
        var strings = new List<(int, string)>();
        var line = 1;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '\n')
            {
                line++;
                code.Append(c);
            }
            else if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i + 1 < source.Length && source[i + 1] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                i += 2;
                while (i < source.Length && !(source[i] == '*' && i + 1 < source.Length && source[i + 1] == '/'))
                {
                    if (source[i] == '\n')
                    {
                        line++;
                        code.Append('\n');
                    }

                    i++;
                }

                i++;
                code.Append(' ');
            }
            else if (c == '"')
            {
                var text = new StringBuilder();
                var startLine = line;
                for (i++; i < source.Length && source[i] != '"'; i++)
                {
                    if (source[i] == '\\' && i + 1 < source.Length)
                    {
                        i++;
                    }

                    if (source[i] == '\n')
                    {
                        line++;
                        code.Append('\n');
                    }

                    text.Append(source[i]);
                }

                strings.Add((startLine, text.ToString()));
                code.Append("\"\"");
            }
            else
            {
                code.Append(c);
            }
        }

        return (code.ToString(), strings);
    }

    private static int LineOf(string code, int index) => 1 + code.AsSpan(0, index).Count('\n');

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    // "include <...>" and "use <...>" need no parenthesis; import/surface are calls; any mention is refused.
    [GeneratedRegex(@"\b(include|use|import|surface)\b")]
    private static partial Regex FileAccess();

    [GeneratedRegex(@"\$(?<name>fn|fa|fs)\s*=\s*(?<value>[^;,)\]\n]*)")]
    private static partial Regex SpecialVariable();

    [GeneratedRegex(@"\[\s*(?<n>[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*:\s*(?<n>[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(?::\s*(?<n>[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*)?\]", RegexOptions.IgnoreCase)]
    private static partial Regex Range();

    [GeneratedRegex(@"\bfunction\s+(?<name>[A-Za-z_]\w*)\s*\([^)]*\)\s*=")]
    private static partial Regex FunctionDefinition();

    [GeneratedRegex(@"\bmodule\s+(?<name>[A-Za-z_]\w*)\s*\([^)]*\)")]
    private static partial Regex ModuleDefinition();
}
