;; deriv: the Gabriel benchmark's symbolic derivative, repeated; the checksum
;; counts the cells of every result so that no iteration is dead code.
(define (deriv a)
  (cond ((not (pair? a))
         (if (eq? a 'x) 1 0))
        ((eq? (car a) '+)
         (cons '+ (map deriv (cdr a))))
        ((eq? (car a) '-)
         (cons '- (map deriv (cdr a))))
        ((eq? (car a) '*)
         (list '*
               a
               (cons '+ (map (lambda (a) (list '/ (deriv a) a)) (cdr a)))))
        ((eq? (car a) '/)
         (list '-
               (list '/ (deriv (cadr a)) (caddr a))
               (list '/
                     (cadr a)
                     (list '* (caddr a) (caddr a) (deriv (caddr a))))))
        (else (error "no derivation for" a))))

(define (size x)
  (if (pair? x)
      (+ 1 (size (car x)) (size (cdr x)))
      0))

(define expr '(+ (* 3 x x) (* a x x) (* b x) 5))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (size (deriv expr))))))

(display "deriv ") (display (repeat 250000 0)) (newline)
