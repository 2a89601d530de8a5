import Foundation
import Resources

/// Finds and reads the manifest files under the paths given to `validate`.
///
/// Directories are walked recursively in name order; only `*.yaml`, `*.yml` and `*.json` are read and dot-directories
/// (`.git`, `.github`, ...) and dot-files are skipped. A file named explicitly is read whatever its extension.
enum ManifestFiles {
    /// The manifest extensions read from directories.
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Why the paths cannot be read.
    struct ReadError: Error, CustomStringConvertible {
        /// The path as given.
        var path: String
        /// What went wrong.
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    /// Reads every manifest file under `paths`, in order, without duplicates.
    static func read(_ paths: [String]) throws(ReadError) -> [ValidationReport.File] {
        var seen: Set<String> = []
        var out: [ValidationReport.File] = []
        for path in paths {
            for file in try list(path) where seen.insert(URL(fileURLWithPath: file).standardizedFileURL.path).inserted {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ReadError(path: file, reason: "cannot read the file (permissions?)")
                }
                out.append(ValidationReport.File(path: file, bytes: [UInt8](data)))
            }
        }
        return out
    }

    /// The files a path names: itself, or the manifest files below it.
    static func list(_ path: String) throws(ReadError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError(path: path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        var out: [String] = []
        var visited: Set<String> = []
        walk(path, visited: &visited, into: &out)
        return out
    }

    /// Walks a directory; `visited` (resolved paths) stops symbolic-link cycles.
    private static func walk(_ directory: String, visited: inout Set<String>, into out: inout [String]) {
        guard visited.insert(URL(fileURLWithPath: directory).resolvingSymlinksInPath().path).inserted,
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let full = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                walk(full, visited: &visited, into: &out)
            } else if let ext = name.split(separator: ".").last, name.contains("."), extensions.contains(ext.lowercased()) {
                out.append(full)
            }
        }
    }
}
