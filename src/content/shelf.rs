//! Every pack the server serves: the site's packs (from `questions/`, fixed while the
//! server runs) and the teachers' own packs that pass the checks, which come and go. A
//! teacher's pack is offered in their forms only while it is published; one withdrawn
//! stays served, so that what was assigned from it still shows. A pack is
//! handed out as an `Arc`, so that one taken off the shelf stays whole for whoever
//! still holds it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use super::{Library, Pack};
use crate::ids::Token;

/// A teacher's pack on the shelf.
#[derive(Debug)]
struct Own {
    teacher: Token,
    published: bool,
    pack: Arc<Pack>,
}

/// The packs on offer, by the name they are served under.
#[derive(Debug)]
pub struct Shelf {
    site: BTreeMap<String, Arc<Pack>>,
    /// Teachers' packs by key.
    own: RwLock<HashMap<String, Own>>,
}

impl Shelf {
    /// A shelf of the site's packs and no teacher's.
    pub fn new(library: Library) -> Shelf {
        Shelf {
            site: library
                .packs
                .into_iter()
                .map(|(id, pack)| (id, Arc::new(pack)))
                .collect(),
            own: RwLock::default(),
        }
    }

    /// The pack served under `key`, the site's or a teacher's.
    pub fn pack(&self, key: &str) -> Option<Arc<Pack>> {
        if let Some(pack) = self.site.get(key) {
            return Some(Arc::clone(pack));
        }
        self.own_packs().get(key).map(|own| Arc::clone(&own.pack))
    }

    /// The teacher whose own pack `key` is, or `None` for a site pack (or none at all).
    pub fn owner(&self, key: &str) -> Option<Token> {
        self.own_packs().get(key).map(|own| own.teacher)
    }

    /// Whether a pack is served under `key`: the site's, or any teacher's.
    pub fn is_taken(&self, key: &str) -> bool {
        self.site.contains_key(key) || self.own_packs().contains_key(key)
    }

    /// The site's packs, by id.
    pub fn site_packs(&self) -> impl Iterator<Item = &Arc<Pack>> {
        self.site.values()
    }

    /// The packs `teacher` may assign: the site's, then their own published ones by
    /// title.
    pub fn packs_for(&self, teacher: Token) -> Vec<Arc<Pack>> {
        let mut own: Vec<Arc<Pack>> = self
            .own_packs()
            .values()
            .filter(|own| own.teacher == teacher && own.published)
            .map(|own| Arc::clone(&own.pack))
            .collect();
        own.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
        self.site.values().cloned().chain(own).collect()
    }

    /// The pack `teacher` may assign under `key`: a site pack or a published one of
    /// their own.
    pub fn pack_for(&self, teacher: Token, key: &str) -> Option<Arc<Pack>> {
        if let Some(pack) = self.site.get(key) {
            return Some(Arc::clone(pack));
        }
        self.own_packs()
            .get(key)
            .filter(|own| own.teacher == teacher && own.published)
            .map(|own| Arc::clone(&own.pack))
    }

    /// Puts `teacher`'s checked pack on the shelf under its id (its key), or replaces it.
    pub fn put(&self, teacher: Token, published: bool, pack: Pack) {
        let key = pack.id.clone();
        let own = Own {
            teacher,
            published,
            pack: Arc::new(pack),
        };
        self.own
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, own);
    }

    /// Offers a teacher's pack on the shelf in their forms, or stops offering it.
    pub fn set_published(&self, key: &str, published: bool) {
        if let Some(own) = self
            .own
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_mut(key)
        {
            own.published = published;
        }
    }

    /// Takes a teacher's pack off the shelf.
    pub fn take(&self, key: &str) {
        self.own
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }

    fn own_packs(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Own>> {
        self.own
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
