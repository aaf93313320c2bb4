using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Cli;

/// <summary>
/// How every <c>sluice</c> command ends in error: <c>error: MESSAGE</c> on stderr, the stack trace only with
/// <c>--verbose</c>, and an exit code a script can act on: <see cref="BadInput"/> when what was asked cannot be
/// done as given, <see cref="Failure"/> when doing it failed.
/// </summary>
internal static class CliErrors
{
    public const int Failure = 1;

    public const int BadInput = 2;

    /// <summary>Exit code of a command stopped with Ctrl+C, as a shell reports SIGINT.</summary>
    public const int Interrupted = 130;

    public static Option<bool> VerboseOption() => new("--verbose")
    {
        Description = "On an error, print the stack trace (the silo's, for errors raised there) as well as the message",
        Recursive = true,
    };

    private static readonly Type[] BadInputTypes =
    [
        typeof(UsageException), typeof(SpecException), typeof(QueryStartException), typeof(KeyNotFoundException),
        typeof(FileNotFoundException), typeof(DirectoryNotFoundException), typeof(ArgumentException),
    ];

    /// <summary>
    /// Bad arguments, a spec or file that cannot be used, an unknown query, a query refused at start; for an error the
    /// silo could send only as its message (<see cref="SluiceException"/>), the type it was raised as decides.
    /// </summary>
    public static bool IsBadInput(Exception e) => e is SluiceException remote
        ? BadInputTypes.Any(t => t.FullName == remote.OriginalType) || remote.OriginalType.StartsWith("System.Argument", StringComparison.Ordinal)
        : BadInputTypes.Any(t => t.IsInstanceOfType(e));

    /// <summary>Gives every action of <paramref name="command"/> and its subcommands the error handling above.</summary>
    public static void Guard(Command command, Option<bool> verbose)
    {
        if (command.Action is AsynchronousCommandLineAction action)
        {
            command.Action = new GuardedAction(action, verbose);
        }
        foreach (var sub in command.Subcommands)
        {
            Guard(sub, verbose);
        }
    }

    /// <summary>A parse error (unknown option, missing argument): the first error and where to find the usage.</summary>
    public static int ReportParseErrors(ParseResult parse, TextWriter error)
    {
        error.WriteLine($"error: {parse.Errors[0].Message}");
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Command is not RootCommand && result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }
        var path = string.Join(' ', names);
        error.WriteLine($"see 'sluice {(path.Length > 0 ? path + " " : "")}--help'");
        return BadInput;
    }

    public static int Report(Exception e, bool verbose, TextWriter error)
    {
        error.WriteLine($"error: {e.Message}");
        if (verbose)
        {
            WriteDetails(e, error);
        }
        return IsBadInput(e) ? BadInput : Failure;
    }

    /// <summary>
    /// The chain of causes with their types (for errors raised in a silo, the silo's type names), then each one's stack
    /// trace: what a report to the maintainers needs.
    /// </summary>
    private static void WriteDetails(Exception e, TextWriter error)
    {
        var chain = new List<Exception>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            chain.Add(x);
        }
        foreach (var (x, i) in chain.Select((x, i) => (x, i)))
        {
            error.WriteLine($"{(i == 0 ? "" : " ---> ")}{TypeName(x)}: {x.Message}");
        }
        foreach (var x in chain.Where(x => x.StackTrace is not null))
        {
            error.WriteLine($"stack of {TypeName(x)}:");
            error.WriteLine(x.StackTrace);
        }
    }

    private static string TypeName(Exception e) => e is SluiceException remote ? $"{remote.OriginalType} (in the silo)" : e.GetType().FullName ?? e.GetType().Name;

    private sealed class GuardedAction(AsynchronousCommandLineAction inner, Option<bool> verbose) : AsynchronousCommandLineAction
    {
        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.InvokeAsync(parseResult, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Interrupted;
            }
            catch (Exception e)
            {
                return Report(e, parseResult.GetValue(verbose), Console.Error);
            }
        }
    }
}
