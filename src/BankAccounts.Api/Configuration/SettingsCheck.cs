using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using BankAccounts.Actors.Hosting;
using BankAccounts.Api.Live;
using BankAccounts.Api.Security;
using BankAccounts.ReadModel.Storage;

namespace BankAccounts.Api.Configuration;

/// <summary>
/// Stops a node at start when a setting under <c>BankAccounts</c> is misspelled (the configuration binder would
/// silently ignore it) or holds a value the node cannot run with. It walks the options classes by reflection the
/// way the binder reads them: public settable properties matched case-insensitively, nested option classes, lists
/// by index (<c>SeedNodes:0</c>).
/// </summary>
public static class SettingsCheck
{
    /// <summary>Subsections the host binds to options of their own, beside <see cref="BankAccountsOptions"/>.</summary>
    private static readonly Dictionary<string, Type> SeparateSections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ReadModel"] = typeof(ReadModelOptions),
        ["Security"] = typeof(SecurityOptions),
        ["Live"] = typeof(LiveOptions),
        ["Telemetry"] = typeof(Telemetry.TelemetryOptions),
    };

    /// <summary>Whole numbers where zero means something; every other whole number must be positive.</summary>
    private static readonly Dictionary<string, (int Min, int Max)> IntegerRanges = new(StringComparer.OrdinalIgnoreCase)
    {
        ["BankAccounts:Cluster:Port"] = (0, 65535),
        // Never below this build's layout: older layouts belong to the builds that made them.
        [BankAccountsApp.ReadModelSectionName + ":" + nameof(ReadModelOptions.Version)] = (ReadModelDatabase.SchemaVersion, 999),
        [BankAccountsApp.ReadModelSectionName + ":" + nameof(ReadModelOptions.SwitchWhenBehind)] = (0, int.MaxValue),
    };

    /// <summary>Throws <see cref="InvalidSettingsException"/> listing every problem of the <c>BankAccounts</c> section.</summary>
    public static void ThrowIfInvalid(IConfiguration configuration)
    {
        var problems = Problems(configuration);
        if (problems.Count > 0)
        {
            throw new InvalidSettingsException(problems);
        }
    }

    /// <summary>One sentence per problem, each naming the setting's full key.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        CheckObject(configuration.GetSection(BankAccountsOptions.SectionName), typeof(BankAccountsOptions), SeparateSections, problems);
        return problems;
    }

    private static void Check(IConfigurationSection section, Type type, List<string> problems)
    {
        if (IsValue(type))
        {
            CheckValue(section, Nullable.GetUnderlyingType(type) ?? type, problems);
        }
        else if (ElementType(type) is { } element)
        {
            CheckList(section, element, problems);
        }
        else
        {
            CheckObject(section, type, extraSections: null, problems);
        }
    }

    private static void CheckObject(IConfigurationSection section, Type type, IReadOnlyDictionary<string, Type>? extraSections, List<string> problems)
    {
        var properties = Settable(type);
        if (!string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"Setting '{section.Path}' is a section, not a value; set its keys instead ({string.Join(", ", properties.Keys)}).");
        }
        var before = problems.Count;
        foreach (var child in section.GetChildren())
        {
            if (extraSections is not null && extraSections.TryGetValue(child.Key, out var separate))
            {
                Check(child, separate, problems);
            }
            else if (properties.TryGetValue(child.Key, out var property))
            {
                Check(child, property.PropertyType, problems);
            }
            else
            {
                var known = properties.Keys.Concat(extraSections?.Keys ?? []).ToList();
                problems.Add(Closest(child.Key, known) is { } suggestion
                    ? $"Unknown setting '{child.Path}' (did you mean '{suggestion}'?)."
                    : $"Unknown setting '{child.Path}'; '{section.Path}' knows {string.Join(", ", known)}.");
            }
        }
        if (problems.Count == before && section.Exists())
        {
            CheckBounds(section, type, properties, problems);
        }
    }

    private static void CheckList(IConfigurationSection section, Type element, List<string> problems)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"Setting '{section.Path}' is a list; give its items as '{section.Path}:0', '{section.Path}:1', ….");
        }
        foreach (var item in section.GetChildren())
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"Setting '{item.Path}' is not a list item; items are numbered '{section.Path}:0', '{section.Path}:1', ….");
                continue;
            }
            Check(item, element, problems);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<string> problems)
    {
        var children = section.GetChildren().Select(c => $"'{c.Path}'").ToList();
        if (children.Count > 0)
        {
            problems.Add($"Setting '{section.Path}' is a single value, so {string.Join(", ", children)} means nothing.");
            return;
        }
        var text = section.Value;
        if (text is null || type == typeof(string))
        {
            return;
        }
        object? value;
        try
        {
            value = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            problems.Add($"Setting '{section.Path}' = '{text}' is not {Describe(type)}.");
            return;
        }
        switch (value)
        {
            case Enum when !Enum.IsDefined(type, value):
                problems.Add($"Setting '{section.Path}' = '{text}' is not {Describe(type)}.");
                break;
            case int number when IntegerRanges.TryGetValue(section.Path, out var range) && (number < range.Min || number > range.Max):
                problems.Add($"Setting '{section.Path}' = '{text}' must be between {range.Min} and {range.Max}.");
                break;
            case int number when !IntegerRanges.ContainsKey(section.Path) && number <= 0:
                problems.Add($"Setting '{section.Path}' = '{text}' must be a positive whole number.");
                break;
            case TimeSpan span when span <= TimeSpan.Zero:
                problems.Add($"Setting '{section.Path}' = '{text}' must be a positive time span (e.g. 00:00:05).");
                break;
        }
    }

    /// <summary>A <c>MinX</c> above its <c>MaxX</c> (retry back-offs), checked on the values the binder will produce.</summary>
    private static void CheckBounds(IConfigurationSection section, Type type, IReadOnlyDictionary<string, PropertyInfo> properties, List<string> problems)
    {
        var pairs = properties
            .Where(p => p.Key.StartsWith("Min", StringComparison.Ordinal) && typeof(IComparable).IsAssignableFrom(p.Value.PropertyType))
            .Select(p => (Min: p.Value, Max: properties.GetValueOrDefault("Max" + p.Key[3..])))
            .Where(p => p.Max is not null && p.Max.PropertyType == p.Min.PropertyType)
            .ToList();
        if (pairs.Count == 0 || Activator.CreateInstance(type) is not { } options)
        {
            return;
        }
        section.Bind(options);
        foreach (var (min, max) in pairs)
        {
            var (low, high) = (min.GetValue(options), max!.GetValue(options));
            if (low is IComparable comparable && comparable.CompareTo(high) > 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Setting '{section.Path}:{min.Name}' ({low}) is larger than '{section.Path}:{max.Name}' ({high})."));
            }
        }
    }

    /// <summary>What the binder writes: public instance properties with a public setter, or get-only ones it fills in place.</summary>
    private static Dictionary<string, PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Where(p => p.SetMethod?.IsPublic == true || (p.CanRead && !IsValue(p.PropertyType)))
            .ToDictionary(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The binder's own test: a type a string converts to is one value.</summary>
    private static bool IsValue(Type type) =>
        TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).CanConvertFrom(typeof(string));

    private static Type? ElementType(Type type) =>
        type.IsArray
            ? type.GetElementType()
            : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ?.GetGenericArguments()[0];

    private static string Describe(Type type) => type switch
    {
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(TimeSpan) => "a time span such as 00:00:05 or 1.00:00:00 (d.hh:mm:ss)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) => "a whole number",
        _ => "a " + type.Name,
    };

    /// <summary>The known name a typo most likely meant: at most a third of its letters (and at least two) off.</summary>
    private static string? Closest(string key, IEnumerable<string> known) =>
        known
            .Select(name => (Name: name, Distance: Distance(key.ToUpperInvariant(), name.ToUpperInvariant())))
            .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}

/// <summary>The node's settings cannot work; <see cref="Problems"/> names each setting at fault.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> problems)
    : InvalidOperationException(
        "The BankAccounts settings are not valid (environment variables spell ':' as '__'):" + Environment.NewLine
        + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
