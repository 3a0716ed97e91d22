using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BankAccounts.Domain;

namespace BankAccounts.Api.Http;

/// <summary>
/// What a request contract accepts, taken from System.Text.Json's own metadata of the type (JSON
/// names, required members, nullability): one pass of a <see cref="Utf8JsonReader"/> checks a body
/// against it and says, per field, what is wrong — never by reading an exception's wording.
/// </summary>
/// <remarks>Request contracts are flat objects of strings, numbers and booleans.</remarks>
internal sealed class BodyShape
{
    private static readonly ConcurrentDictionary<Type, BodyShape> Shapes = new();

    private readonly Dictionary<string, Member> _members;

    private BodyShape(JsonTypeInfo type)
    {
        _members = type.Properties.ToDictionary(p => p.Name, Member.Of, StringComparer.Ordinal);
    }

    public static BodyShape Of(JsonTypeInfo type) => Shapes.GetOrAdd(type.Type, _ => new BodyShape(type));

    /// <summary>Null when the body fits; else the errors, the most fundamental kind first (syntax, then structure, then fields).</summary>
    public IReadOnlyList<FieldError>? Check(ReadOnlySpan<byte> bytes, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(bytes, options);
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                ReadToEnd(ref reader);
                return [Body("The request body must be a JSON object.")];
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!TryReadText(ref reader, out var name))
                {
                    return [NotText()];
                }
                reader.Read();
                if (!seen.Add(name))
                {
                    errors.Add(new(name, FieldErrorCodes.Invalid, $"'{name}' appears more than once."));
                }
                if (!_members.TryGetValue(name, out var member))
                {
                    errors.Add(new(name, FieldErrorCodes.Invalid, $"'{name}' is not a known property; expected {string.Join(", ", _members.Keys.Select(k => $"'{k}'"))}."));
                    if (!SkipValue(ref reader))
                    {
                        return [NotText()];
                    }
                    continue;
                }
                if (!member.Accepts(ref reader, out var wrongValue))
                {
                    if (wrongValue is null)
                    {
                        return [NotText()];
                    }
                    errors.Add(new(name, FieldErrorCodes.Invalid, wrongValue));
                }
            }
            ReadToEnd(ref reader);
        }
        catch (JsonException syntax)
        {
            var where = syntax.BytePositionInLine is { } position ? $" (line {syntax.LineNumber + 1}, position {position + 1})" : string.Empty;
            return [Body($"The request body is not valid JSON{where}.")];
        }
        errors.AddRange(_members.Values
            .Where(m => m.Required && !seen.Contains(m.Name))
            .Select(m => new FieldError(m.Name, FieldErrorCodes.Required, $"'{m.Name}' is required.")));
        return errors.Count > 0 ? errors : null;
    }

    /// <summary>Anything after the object is malformed; reading on makes the reader say so.</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    /// <summary>Skips a value, checking every string in it is text.</summary>
    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        do
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !TryReadText(ref reader, out _))
            {
                return false;
            }
        }
        while (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName
            ? reader.Read()
            : reader.CurrentDepth > depth && reader.Read());
        return true;
    }

    /// <summary>A lone surrogate escape (<c>"\ud800"</c>) is valid JSON syntax but no text.</summary>
    private static bool TryReadText(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static FieldError Body(string message) => new("body", FieldErrorCodes.Invalid, message);

    private static FieldError NotText() => Body("The request body holds an escape that is no Unicode text (a lone surrogate).");

    private sealed record Member(string Name, JsonTokenType Kind, bool Nullable, bool Required)
    {
        public static Member Of(JsonPropertyInfo property)
        {
            var type = System.Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var kind = type == typeof(bool) ? JsonTokenType.True
                : type.IsPrimitive || type == typeof(decimal) ? JsonTokenType.Number
                : JsonTokenType.String; // strings, and values written as strings (ids, instants)
            return new(property.Name, kind, property.IsSetNullable, property.IsRequired);
        }

        /// <summary>False with a message when the value has the wrong kind; false without one when it is no text.</summary>
        public bool Accepts(ref Utf8JsonReader reader, out string? wrong)
        {
            wrong = null;
            var token = reader.TokenType;
            var fits = token switch
            {
                JsonTokenType.Null => Nullable,
                JsonTokenType.String => Kind == JsonTokenType.String,
                JsonTokenType.Number => Kind == JsonTokenType.Number,
                JsonTokenType.True or JsonTokenType.False => Kind == JsonTokenType.True,
                _ => false,
            };
            if (token is JsonTokenType.String or JsonTokenType.StartObject or JsonTokenType.StartArray && !SkipValue(ref reader))
            {
                return false;
            }
            if (fits && token == JsonTokenType.Number && !reader.TryGetDecimal(out _))
            {
                wrong = $"'{Name}' is a number outside the range this API accepts.";
                return false;
            }
            if (!fits)
            {
                wrong = $"'{Name}' must be {Expected()}.";
            }
            return fits;
        }

        private string Expected()
        {
            var kind = Kind switch
            {
                JsonTokenType.String => "a string",
                JsonTokenType.True => "true or false",
                _ => "a number",
            };
            return Nullable ? kind + " or null" : kind;
        }
    }
}
