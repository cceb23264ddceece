//! Container image references: `[registry[:port]/]name[:tag][@digest]`.

/// A parsed image reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag (registry and path included).
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// True when pinned by `@sha256:…`.
    pub digest: bool,
}

impl<'a> ImageRef<'a> {
    /// Split a reference; a `:` before the last `/` is a registry port, not a tag.
    pub fn parse(reference: &'a str) -> Self {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, _)) => (r, true),
            None => (reference, false),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        match rest[last_slash..].rfind(':') {
            Some(colon) => ImageRef {
                name: &rest[..last_slash + colon],
                tag: Some(&rest[last_slash + colon + 1..]),
                digest,
            },
            None => ImageRef {
                name: rest,
                tag: None,
                digest,
            },
        }
    }

    /// True when the reference can change under the same name: no tag or `latest`, and no digest.
    pub fn is_floating(&self) -> bool {
        !self.digest && matches!(self.tag, None | Some("latest"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        let r = ImageRef::parse("registry:5000/team/app:1.2");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("registry:5000/team/app", Some("1.2"), false)
        );
        let r = ImageRef::parse("registry:5000/team/app");
        assert_eq!((r.name, r.tag), ("registry:5000/team/app", None));
        assert!(ImageRef::parse("rust@sha256:abc").digest);
        assert!(ImageRef::parse("redis").is_floating());
        assert!(ImageRef::parse("redis:latest").is_floating());
        assert!(!ImageRef::parse("redis:7.2").is_floating());
        assert!(!ImageRef::parse("redis@sha256:abc").is_floating());
    }
}
